; Editable units of Java (annotations are part of a declaration's modifiers).

(method_declaration name: (identifier) @name body: (block) @body) @function
(constructor_declaration name: (identifier) @name body: (constructor_body) @body) @function
(compact_constructor_declaration name: (identifier) @name body: (block) @body) @function
(lambda_expression body: (_) @body) @closure

(class_declaration name: (identifier) @name body: (class_body) @body) @definition
(interface_declaration name: (identifier) @name body: (interface_body) @body) @definition
(enum_declaration name: (identifier) @name body: (enum_body) @body) @definition
(record_declaration name: (identifier) @name body: (class_body) @body) @definition
(annotation_type_declaration name: (identifier) @name body: (annotation_type_body) @body) @definition

(block) @block
(constructor_body) @block
(static_initializer) @block

; Statements are listed by kind: a supertype pattern such as (statement) cannot match when
; the query runs rooted at the node itself (see ../README.md).
[
  (assert_statement) (break_statement) (continue_statement) (do_statement)
  (enhanced_for_statement) (expression_statement) (for_statement) (if_statement)
  (labeled_statement) (local_variable_declaration) (return_statement)
  (switch_expression) (synchronized_statement) (throw_statement) (try_statement)
  (try_with_resources_statement) (while_statement) (yield_statement)
  (class_declaration) (interface_declaration) (enum_declaration) (record_declaration)
  (annotation_type_declaration) (module_declaration)
] @statement
(field_declaration) @statement
(constant_declaration) @statement
(enum_constant) @statement
(package_declaration) @statement
(import_declaration) @statement

(line_comment) @attached
(block_comment) @attached
