// The example built as an app would build it: Vite bundles the worker too. Its format is "es"
// because the worker opens the Personalizer with top-level await.
export default { worker: { format: "es" } };
