; Editable units of JSON: a key whose value is an object or array is a definition (it names
; what is inside), other pairs are statements.

(pair key: (_) @name value: (object) @body) @definition
(pair key: (_) @name value: (array) @body) @definition
(pair key: (_) @name) @statement

(object) @block
(array) @block

(comment) @attached
