(variable_declaration
  (assignment_statement
    (expression_list
      value: (function_call name: (identifier) @_require (#eq? @_require "require"))))) @import
