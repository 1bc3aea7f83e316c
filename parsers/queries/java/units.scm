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

(statement) @statement
(field_declaration) @statement
(constant_declaration) @statement
(enum_constant) @statement
(package_declaration) @statement
(import_declaration) @statement

(line_comment) @attached
(block_comment) @attached
