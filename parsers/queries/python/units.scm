; Editable units of Python (captures: see ../README.md).

(function_definition name: (identifier) @name body: (block) @body) @function
(class_definition name: (identifier) @name body: (block) @body) @definition
(decorated_definition) @wrapper
(lambda) @closure

(block) @block

[
  (expression_statement) (return_statement) (pass_statement) (assert_statement)
  (raise_statement) (delete_statement) (global_statement) (nonlocal_statement)
  (import_statement) (import_from_statement) (future_import_statement) (break_statement)
  (continue_statement) (print_statement) (exec_statement) (type_alias_statement)
  (if_statement) (for_statement) (while_statement) (try_statement) (with_statement)
  (match_statement)
] @statement

(comment) @attached
