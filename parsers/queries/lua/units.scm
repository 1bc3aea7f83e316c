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

(statement) @statement
(return_statement) @statement

(comment) @attached
