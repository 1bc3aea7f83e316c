; inherits: ecma
; TypeScript's own units on top of JavaScript's.

(function_signature name: (_) @name) @statement
(abstract_class_declaration name: (_) @name body: (class_body) @body) @definition
(interface_declaration name: (_) @name body: (interface_body) @body) @definition
(enum_declaration name: (_) @name body: (enum_body) @body) @definition
(internal_module name: (_) @name body: (statement_block) @body) @namespace
; A top-level `namespace X {}` is an expression statement around the module.
(expression_statement
  (internal_module name: (_) @name body: (statement_block) @body)) @namespace
(module name: (_) @name body: (statement_block) @body) @namespace
(ambient_declaration) @wrapper

[
  (abstract_class_declaration) (ambient_declaration) (enum_declaration) (function_signature)
  (import_alias) (interface_declaration) (internal_module) (module) (type_alias_declaration)
] @statement
(public_field_definition) @statement
(method_signature) @statement
(abstract_method_signature) @statement
(property_signature) @statement
(index_signature) @statement

; Decorators of class members are siblings in the class body: they travel with the member.
(decorator) @attached
