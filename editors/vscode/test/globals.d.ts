// Defined by scripts/build.mjs when it bundles the tests: the extension's source directory.
declare const EXTENSION_ROOT: string;
