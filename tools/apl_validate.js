// Validates APL documents with Amazon's apl-suggester (offline, schema-level), and prints every
// finding as one JSON line: {"document", "path", "level", "message"}. Any finding is a failure:
// exit status 1. Usage: node tools/apl_validate.js DOCUMENT.json [...]
//
// apl-suggester cannot download imported packages (alexa-layouts) here, so it checks the
// document's own components, graphics and commands; it misses some mistakes (a misspelled
// component type), which the project's own checks catch (tests/contract/test_apl.py).
'use strict';

const fs = require('fs');
const { StaticAplTemplateValidator } = require('apl-suggester');

async function validate(path) {
  const document = JSON.parse(fs.readFileSync(path, 'utf8'));
  // The library logs notes of its own ("No mixin for component": a component type without
  // shared properties to merge): not findings, kept quiet.
  const { log, warn } = console;
  console.log = () => {};
  console.warn = () => {};
  try {
    const found = await new StaticAplTemplateValidator().validate(document);
    return found.map((f) => ({ document: path, path: f.path, level: f.level, message: f.errorMessage }));
  } finally {
    Object.assign(console, { log, warn });
  }
}

async function main(paths) {
  if (paths.length === 0) {
    console.error('usage: node tools/apl_validate.js DOCUMENT.json [...]');
    return 2;
  }
  let findings = 0;
  for (const path of paths) {
    const found = await validate(path);
    found.forEach((f) => console.log(JSON.stringify(f)));
    findings += found.length;
  }
  console.error(`${paths.length} document(s), ${findings} finding(s)`);
  return findings ? 1 : 0;
}

main(process.argv.slice(2)).then(
  (status) => process.exit(status),
  (error) => {
    console.error(error && error.stack ? error.stack : String(error));
    process.exit(2);
  },
);
