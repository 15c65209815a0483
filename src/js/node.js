// optin for Node: the package entry, with Node's webcrypto as the secure random source where
// there is no globalThis.crypto (Node 18). Record ids and private reports need it; without a
// secure source they are refused, never made up.

import { webcrypto } from "node:crypto";
import { useCrypto } from "./host.js";

if (typeof globalThis.crypto?.getRandomValues !== "function") useCrypto(webcrypto);

export * from "./index.js";
