; inherits: ecma
; Editable units of JavaScript: the shared ECMAScript ones plus class fields.

(field_definition) @statement
(using_declaration) @statement
