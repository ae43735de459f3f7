// Component type (the Python class name) -> custom element class. Every element is defined once, even when
// two bundles land on one page.

import { Accordion } from "./components/Accordion.js";
import { Button } from "./components/Button.js";
import { Chatbot } from "./components/Chatbot.js";
import { Checkbox } from "./components/Checkbox.js";
import { Column } from "./components/Column.js";
import { Dropdown } from "./components/Dropdown.js";
import { File_ } from "./components/File.js";
import { Group } from "./components/Group.js";
import { Image_ } from "./components/Image.js";
import { JSON_ } from "./components/JSON.js";
import { LoginButton } from "./components/LoginButton.js";
import { LogoutButton } from "./components/LogoutButton.js";
import { Markdown } from "./components/Markdown.js";
import { NumberInput } from "./components/Number.js";
import { Radio } from "./components/Radio.js";
import { Row } from "./components/Row.js";
import { Slider } from "./components/Slider.js";
import { Tab } from "./components/Tab.js";
import { Tabs } from "./components/Tabs.js";
import { Textbox } from "./components/Textbox.js";
import { Unknown } from "./components/Unknown.js";

const TYPES = {
  Accordion,
  Button,
  Chatbot,
  Checkbox,
  Column,
  Dropdown,
  File: File_,
  Group,
  Image: Image_,
  JSON: JSON_,
  LoginButton,
  LogoutButton,
  Markdown,
  Number: NumberInput,
  Radio,
  Row,
  Slider,
  Tab,
  Tabs,
  Textbox,
};

for (const cls of [...Object.values(TYPES), Unknown]) {
  if (!customElements.get(cls.tag)) customElements.define(cls.tag, cls);
}

/** A new, set-up element for a config entry. */
export function createElementFor(spec, app) {
  const cls = TYPES[spec.type] || Unknown;
  const el = document.createElement(cls.tag);
  el.setup(spec, app);
  return el;
}
