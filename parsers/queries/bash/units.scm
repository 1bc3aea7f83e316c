; Editable units of Bash.

(function_definition name: (word) @name body: (_) @body) @function

(compound_statement) @block
(do_group) @block

[
  (command) (pipeline) (list) (redirected_statement) (variable_assignment)
  (declaration_command) (if_statement) (for_statement) (c_style_for_statement)
  (while_statement) (case_statement) (subshell) (negated_command) (test_command)
  (unset_command)
] @statement

(comment) @attached
