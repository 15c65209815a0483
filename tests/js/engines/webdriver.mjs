// A WebDriver (W3C, HTTP) client with the few commands the tests use.
export const ELEMENT = "element-6066-11e4-a52e-4f735466cecf";

// Key names (as Playwright and Puppeteer take them) to WebDriver's key code points.
const KEYS = {
  Enter: "\uE007",
  Tab: "\uE004",
  Escape: "\uE00C",
  Backspace: "\uE003",
  Delete: "\uE017",
  Space: " ",
  ArrowLeft: "\uE012",
  ArrowUp: "\uE013",
  ArrowRight: "\uE014",
  ArrowDown: "\uE015",
  Home: "\uE011",
  End: "\uE010",
  PageUp: "\uE00E",
  PageDown: "\uE00F",
};

export function keyValue(key) {
  if (KEYS[key]) return KEYS[key];
  if ([...key].length === 1) return key;
  throw new Error(`no WebDriver key for ${JSON.stringify(key)}`);
}

export class WebDriverSession {
  constructor(base, id, capabilities) {
    this.base = base;
    this.id = id;
    this.capabilities = capabilities;
  }

  static async create(base, capabilities, timeout = 60_000) {
    const value = await send(base, "POST", "/session", { capabilities: { alwaysMatch: capabilities } }, timeout);
    return new WebDriverSession(base, value.sessionId, value.capabilities);
  }

  command(method, path, body, timeout = 60_000) {
    return send(this.base, method, `/session/${this.id}${path}`, body, timeout);
  }

  delete() {
    return send(this.base, "DELETE", `/session/${this.id}`, undefined, 10_000);
  }
}

async function send(base, method, path, body, timeout) {
  let response;
  try {
    response = await fetch(base + path, {
      method,
      headers: body === undefined ? {} : { "content-type": "application/json; charset=utf-8" },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(timeout),
    });
  } catch (error) {
    throw new Error(`WebDriver ${method} ${path}: ${error.message}`);
  }
  const text = await response.text();
  let json;
  try {
    json = JSON.parse(text);
  } catch {
    throw new Error(`WebDriver ${method} ${path}: HTTP ${response.status}, not JSON: ${text.slice(0, 200)}`);
  }
  if (json.value && json.value.error) {
    const error = new Error(`WebDriver ${method} ${path}: ${json.value.error}: ${json.value.message}`);
    error.code = json.value.error;
    throw error;
  }
  return json.value;
}
