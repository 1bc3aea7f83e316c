; Editable units shared by JavaScript, TypeScript and TSX (not a grammar of its own: the
; languages inherit this file).

(function_declaration name: (identifier) @name body: (statement_block) @body) @function
(generator_function_declaration name: (identifier) @name body: (statement_block) @body) @function
(method_definition name: (_) @name body: (statement_block) @body) @function
; const f = () => {...}: the declaration is the function.
(lexical_declaration
  (variable_declarator name: (identifier) @name value: (arrow_function body: (_) @body))) @function
(lexical_declaration
  (variable_declarator name: (identifier) @name value: (function_expression body: (_) @body))) @function
(variable_declaration
  (variable_declarator name: (identifier) @name value: (arrow_function body: (_) @body))) @function
(variable_declaration
  (variable_declarator name: (identifier) @name value: (function_expression body: (_) @body))) @function

(arrow_function) @closure
(function_expression) @closure
(generator_function) @closure

(class_declaration name: (_) @name body: (class_body) @body) @definition

(export_statement declaration: (_)) @wrapper

(statement_block) @block
(class_static_block) @block

; Statements are listed by kind: a supertype pattern such as (statement) cannot match when
; the query runs rooted at the node itself (see ../README.md).
[
  (break_statement) (class_declaration) (continue_statement) (debugger_statement)
  (do_statement) (empty_statement) (export_statement) (expression_statement)
  (for_in_statement) (for_statement) (function_declaration)
  (generator_function_declaration) (if_statement) (import_statement) (labeled_statement)
  (lexical_declaration) (return_statement) (statement_block) (switch_statement)
  (throw_statement) (try_statement) (variable_declaration) (while_statement)
  (with_statement)
] @statement

(comment) @attached
