// Served by the recording proxy and put first into every HTML page it passes on, for engines
// whose driver protocol reports no console messages or page errors (WebDriver classic). It
// keeps, in the page, what Chromium's console would show as an error: console.error calls,
// uncaught errors and unhandled rejections, and requests the page's Content-Security-Policy
// refused (the proxy adds the loads that failed). The driver reads and clears the list.
(() => {
  if (window.__optinProbe) return;
  const errors = [];
  Object.defineProperty(window, "__optinProbe", { value: { errors }, enumerable: false });
  const text = (value) => {
    if (typeof value === "string") return value;
    if (value instanceof Error) return String(value);
    try {
      return JSON.stringify(value) ?? String(value);
    } catch {
      return String(value);
    }
  };
  const consoleError = console.error;
  console.error = function (...args) {
    errors.push(args.map(text).join(" "));
    return consoleError.apply(this, args);
  };
  addEventListener("error", (event) => errors.push(event.error != null ? text(event.error) : event.message));
  addEventListener("unhandledrejection", (event) => errors.push(`Unhandled Promise Rejection: ${text(event.reason)}`));
  addEventListener("securitypolicyviolation", (event) =>
    errors.push(`Refused by the Content-Security-Policy (${event.effectiveDirective}): ${event.blockedURI}`),
  );
})();
