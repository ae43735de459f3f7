// Small DOM helpers. Text always goes in as text nodes; the only HTML the client ever inserts is the
// server-sanitized `html` of Markdown and chat messages, through `setTrustedHTML`.

let counter = 0;

/** A page-unique id for wiring labels to controls. */
export function uid(prefix) {
  counter += 1;
  return `mu-${prefix}-${counter}`;
}

/**
 * Create an element. `attrs` keys starting with "on" add listeners; `class` sets className; `true` sets a
 * boolean attribute; null/false/undefined are skipped. Children are nodes or strings (inserted as text).
 */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value == null || value === false) continue;
    if (key === "class") el.className = value;
    else if (key.startsWith("on")) el.addEventListener(key.slice(2), value);
    else el.setAttribute(key, value === true ? "" : String(value));
  }
  for (const child of children.flat()) {
    if (child != null && child !== false) el.append(child);
  }
  return el;
}

/** Insert HTML that the server rendered and sanitized (Markdown, chat messages). Never user input. */
export function setTrustedHTML(el, html) {
  el.innerHTML = html;
}

/** Human-readable byte size: 1536 -> "1.5 KB". */
export function formatBytes(size) {
  if (size == null || Number.isNaN(size)) return "";
  const units = ["B", "KB", "MB", "GB", "TB"];
  let value = size;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${unit === 0 ? value : value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}

/** Structural equality for wire values (plain JSON data). */
export function sameValue(a, b) {
  return JSON.stringify(a) === JSON.stringify(b);
}
