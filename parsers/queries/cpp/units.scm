; inherits: c
; C++'s own units on top of C's.

(function_definition
  declarator: (reference_declarator (function_declarator declarator: (_) @name))
  body: (_) @body) @function
(lambda_expression body: (compound_statement) @body) @closure

(class_specifier name: (_) @name body: (field_declaration_list) @body) @definition
(namespace_definition name: (_) @name body: (declaration_list) @body) @namespace
(namespace_definition body: (declaration_list) @body) @namespace
(linkage_specification body: (declaration_list) @body) @namespace
(template_declaration) @wrapper

[
  (co_return_statement) (co_yield_statement) (for_range_loop) (throw_statement)
  (try_statement)
] @statement
(alias_declaration) @statement
(using_declaration) @statement
(static_assert_declaration) @statement
(friend_declaration) @statement
(concept_definition) @statement
(template_instantiation) @statement
(access_specifier) @statement
