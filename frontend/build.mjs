// Builds the browser bundle into mountui/static/: app-<hash>.js and app-<hash>.css (minified), their .gz and
// .br siblings, and manifest.json naming them. Same source -> byte-identical output, so CI can rebuild and
// compare. Run: cd frontend && npm ci && node build.mjs
//
// The component registry comes from the folder: every src/components/<Type>.js is the element for the Python
// component or layout <Type>. CSS comes from the JS graph: src/styles/app.css (shared) first, then each
// component's own stylesheet imported by its module.

import { createHash } from "node:crypto";
import { readdirSync, rmSync, writeFileSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";
import * as esbuild from "esbuild";

const here = dirname(fileURLToPath(import.meta.url));
const outDir = join(here, "..", "mountui", "static");
const HASHED = /^app-[0-9a-f]+\.(js|css)(\.gz|\.br)?$/;
const componentsDir = join(here, "src", "components");
const COMPONENT_MODULE = /^[A-Z][A-Za-z0-9]*\.js$/;

// Browsers with CSS light-dark() and :has(): Chrome/Edge 123, Firefox 121, Safari 17.5.
const TARGETS = ["chrome123", "edge123", "firefox121", "safari17.5"];

/** "mountui:component-modules": { <Type>: the default export of src/components/<Type>.js }, sorted by name. */
const componentModules = {
  name: "component-modules",
  setup(build) {
    build.onResolve({ filter: /^mountui:component-modules$/ }, (args) => ({
      path: args.path,
      namespace: "component-modules",
    }));
    build.onLoad({ filter: /.*/, namespace: "component-modules" }, () => {
      const files = readdirSync(componentsDir, { withFileTypes: true })
        .filter((entry) => entry.isFile() && COMPONENT_MODULE.test(entry.name))
        .map((entry) => entry.name)
        .sort();
      const imports = files.map((file, i) => `import c${i} from "./${file}";`);
      const entries = files.map((file, i) => `  ${JSON.stringify(file.slice(0, -3))}: c${i},`);
      return {
        contents: `${imports.join("\n")}\nexport default {\n${entries.join("\n")}\n};\n`,
        resolveDir: componentsDir,
        loader: "js",
        watchDirs: [componentsDir],
      };
    });
  },
};

async function bundle(entry) {
  const result = await esbuild.build({
    entryPoints: [join(here, "src", entry)],
    bundle: true,
    minify: true,
    format: "esm",
    target: TARGETS,
    legalComments: "none",
    charset: "utf8",
    write: false,
    outdir: "out",
    logLevel: "warning",
    plugins: [componentModules],
  });
  const byExtension = (ext) => result.outputFiles.find((file) => file.path.endsWith(ext)).contents;
  return { js: byExtension(".js"), css: byExtension(".css") };
}

function hashed(ext, contents) {
  const digest = createHash("sha256").update(contents).digest("hex").slice(0, 12);
  return `app-${digest}.${ext}`;
}

function gzip(contents) {
  const out = gzipSync(contents, { level: 9 });
  out[9] = 255; // OS field "unknown": the same bytes whichever platform builds it
  return out;
}

function brotli(contents) {
  return brotliCompressSync(contents, {
    params: {
      [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
      [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
      [constants.BROTLI_PARAM_SIZE_HINT]: contents.length,
    },
  });
}

const outputs = await bundle("main.js");

// The bundle names its stylesheet (for `<mountui-app>`'s Shadow DOM): the CSS's hashed name goes in before
// the JS is hashed.
const PLACEHOLDER = '"__MOUNTUI_STYLESHEET__"';
const js = Buffer.from(outputs.js).toString("utf8");
if (js.split(PLACEHOLDER).length !== 2) throw new Error(`expected ${PLACEHOLDER} once in the bundle`);
outputs.js = Buffer.from(js.replace(PLACEHOLDER, JSON.stringify(hashed("css", outputs.css))), "utf8");

mkdirSync(outDir, { recursive: true });
for (const name of readdirSync(outDir)) {
  if (HASHED.test(name)) rmSync(join(outDir, name));
}

const manifest = {};
for (const [ext, contents] of Object.entries(outputs)) {
  const name = hashed(ext, contents);
  manifest[ext] = name;
  writeFileSync(join(outDir, name), contents);
  writeFileSync(join(outDir, `${name}.gz`), gzip(contents));
  writeFileSync(join(outDir, `${name}.br`), brotli(contents));
  const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
  console.log(
    `${name}  ${kb(contents.length)}  gz ${kb(gzip(contents).length)}  br ${kb(brotli(contents).length)}`,
  );
}
writeFileSync(join(outDir, "manifest.json"), `${JSON.stringify(manifest, null, 2)}\n`);
