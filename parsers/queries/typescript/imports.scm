; inherits: ecma
(import_alias) @import
