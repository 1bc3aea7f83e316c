; Editable units of Lua.

(function_declaration name: (_) @name body: (block) @body) @function
(function_declaration name: (_) @name) @function
; local f = function() ... end: the declaration is the function.
(variable_declaration
  (assignment_statement
    (variable_list name: (identifier) @name)
    (expression_list value: (function_definition body: (block) @body)))) @function
(assignment_statement
  (variable_list name: (_) @name)
  (expression_list value: (function_definition body: (block) @body))) @function
(function_definition) @closure

(block) @block

; Statements are listed by kind: a supertype pattern such as (statement) cannot match when
; the query runs rooted at the node itself (see ../README.md).
[
  (assignment_statement) (break_statement) (do_statement) (empty_statement)
  (for_statement) (function_call) (function_declaration) (goto_statement) (if_statement)
  (label_statement) (repeat_statement) (variable_declaration) (while_statement)
] @statement
(return_statement) @statement

(comment) @attached
