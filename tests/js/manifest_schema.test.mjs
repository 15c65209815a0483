// The manifest's JSON Schema (schema/manifest.schema.json, shipped as
// optin/manifest.schema.json) and optin's own parser, in the built package, agree on every
// manifest of tests/fixtures/manifests/: valid/ both accept, invalid/ both refuse (optin with
// the message in expected-errors.json), beyond-schema/ only optin refuses, for the rules
// listed in BEYOND_SCHEMA. tests/manifest_corpus.rs checks the corpus natively and that it
// produces every error the parser has.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { createRequire } from "node:module";
import { Personalizer, OptinError } from "../../pkg/index.js";

const require = createRequire(import.meta.url);
const Ajv2020 = require("ajv/dist/2020").default;

const root = new URL("../..", import.meta.url);
const corpus = new URL("tests/fixtures/manifests/", root);
const schemaText = readFileSync(new URL("schema/manifest.schema.json", root), "utf8");
const schema = JSON.parse(schemaText);
const expectedErrors = JSON.parse(readFileSync(new URL("expected-errors.json", corpus), "utf8"));

// What the schema cannot say, each with the manifest of the corpus that breaks it. The schema
// accepts these; optin refuses them with a message naming the field.
const BEYOND_SCHEMA = {
  "module-uses-undeclared-category": "modules[].uses[] names a key of dataCategories",
  "sample-event-category-undeclared": "samples[].events[].category names a key of dataCategories",
  "module-id-duplicate": "module ids are unique",
  "metric-id-duplicate": "metric ids are unique",
  "sample-id-duplicate": "sample ids are unique",
  "metric-numeric-max-not-above-min": "a numeric metric's max is greater than its min",
  "metric-epsilon-above-budget": "a metric's epsilon is at most privacyBudget.epsilon",
  "sample-event-at-day-not-in-month": "an event time's day exists in its month",
  "sample-event-at-february-29-not-leap": "February 29 only in leap years",
  "sample-event-at-offset-before-1970": "an event time, its offset applied, is not before 1970",
  // Names (item ids, feature names) are at most 256 bytes of UTF-8; the schema counts characters.
  "item-over-256-bytes": "an item id is at most 256 bytes of UTF-8",
  "feature-name-over-256-bytes": "a feature name is at most 256 bytes of UTF-8",
};

const files = (dir) =>
  readdirSync(new URL(dir + "/", corpus))
    .filter((f) => f.endsWith(".json"))
    .sort()
    .map((f) => `${dir}/${f}`);
const load = (file) => JSON.parse(readFileSync(new URL(file, corpus), "utf8"));
const stem = (file) => file.split("/").pop().replace(/\.json$/, "");

function validator() {
  // Strict: an unknown keyword or a misplaced one is an error in the schema, not ignored.
  const ajv = new Ajv2020({ strict: true, allowUnionTypes: true, allErrors: true });
  return ajv.compile(schema);
}

function schemaSays(validate, file) {
  const ok = validate(load(file));
  return { ok, errors: ok ? "" : JSON.stringify(validate.errors.slice(0, 3)) };
}

test("the schema is a strict draft 2020-12 schema", () => {
  assert.equal(schema.$schema, "https://json-schema.org/draft/2020-12/schema");
  assert.doesNotThrow(validator);
});

test("the schema accepts valid/ and beyond-schema/ and refuses invalid/", () => {
  const validate = validator();
  for (const file of files("valid")) {
    const { ok, errors } = schemaSays(validate, file);
    assert.ok(ok, `${file} is refused by the schema: ${errors}`);
  }
  for (const file of files("invalid")) assert.equal(schemaSays(validate, file).ok, false, `${file} is accepted by the schema`);
  const beyond = files("beyond-schema");
  assert.deepEqual(beyond.map(stem).sort(), Object.keys(BEYOND_SCHEMA).sort(), "beyond-schema/ holds exactly the listed rules");
  for (const file of beyond) {
    const { ok, errors } = schemaSays(validate, file);
    assert.ok(ok, `${file} (${BEYOND_SCHEMA[stem(file)]}) is refused by the schema: ${errors}`);
  }
});

// Where optin's error is, as a JSON pointer: `modules[1].uses[0]` -> `/modules/1/uses/0`.
// A key optin quotes (`features["tag:New York"]`) is one segment, whatever it holds.
const pointer = (path) => {
  if (path === "manifest") return "";
  const segments = [];
  for (const [, plain, index, quoted] of path.matchAll(/([^.[\]]+)|\[(\d+)\]|\[("(?:[^"\\]|\\.)*")\]/g)) {
    segments.push(plain ?? index ?? JSON.parse(quoted));
  }
  return "/" + segments.join("/");
};
// Where the schema's errors are: the value, or the property that is missing or not allowed.
const schemaErrorsAt = (errors) =>
  errors.map((e) => {
    const key = e.params.missingProperty ?? e.params.additionalProperty ?? e.params.propertyName;
    return key === undefined ? e.instancePath : `${e.instancePath}/${key}`;
  });
// Refused by the schema for a rule on another field than the one optin names.
const ELSEWHERE = {
  "invalid/metrics-without-sharing-module.json": "optin names metrics, the schema the modules that lack shares: true",
};

test("the schema refuses each invalid manifest at the field optin names", () => {
  const validate = validator();
  for (const file of files("invalid")) {
    validate(load(file));
    const message = expectedErrors[file];
    const want = pointer(message.slice(0, message.indexOf(": ")));
    const at = schemaErrorsAt(validate.errors);
    // The same field, one inside it, or one around it (but not the whole manifest).
    const near = at.some((a) => a === want || a.startsWith(want + "/") || (a !== "" && want.startsWith(a + "/")));
    assert.equal(near, !(file in ELSEWHERE), `${file}: optin says ${message}; the schema, at ${JSON.stringify([...new Set(at)])}`);
  }
});

async function optinSays(file) {
  try {
    const p = await Personalizer.open(load(file), { storage: "memory" });
    p.close();
    return { ok: true };
  } catch (e) {
    assert.ok(e instanceof OptinError, `${file}: ${e}`);
    return { ok: false, code: e.code, message: e.message };
  }
}

test("optin agrees with the schema on every manifest, and says why it refuses", async () => {
  for (const file of files("valid")) {
    const said = await optinSays(file);
    assert.ok(said.ok, `${file} is refused by optin: ${said.message}`);
  }
  for (const file of [...files("invalid"), ...files("beyond-schema")]) {
    const said = await optinSays(file);
    assert.equal(said.ok, false, `${file} is accepted by optin`);
    assert.equal(said.code, "invalid-manifest", file);
    assert.equal(said.message, `invalid manifest: ${expectedErrors[file]}`, file);
  }
});

test("the package ships the schema as optin/manifest.schema.json", () => {
  const shipped = new URL("pkg/manifest.schema.json", root);
  assert.equal(readFileSync(shipped, "utf8"), schemaText);
  const meta = JSON.parse(readFileSync(new URL("pkg/package.json", root), "utf8"));
  assert.equal(meta.exports["./manifest.schema.json"], "./manifest.schema.json");
  assert.ok(meta.files.includes("manifest.schema.json"));
});
