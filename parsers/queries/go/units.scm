; Editable units of Go.

(function_declaration name: (identifier) @name body: (block) @body) @function
(method_declaration name: (field_identifier) @name body: (block) @body) @function
(func_literal body: (block) @body) @closure
(type_declaration
  (type_spec name: (_) @name type: (struct_type (field_declaration_list) @body))) @definition
(type_declaration (type_spec name: (_) @name type: (interface_type))) @definition

(block) @block

[
  (expression_statement) (send_statement) (inc_statement) (dec_statement)
  (assignment_statement) (short_var_declaration) (return_statement) (go_statement)
  (defer_statement) (if_statement) (for_statement) (expression_switch_statement)
  (type_switch_statement) (select_statement) (labeled_statement) (fallthrough_statement)
  (break_statement) (continue_statement) (goto_statement) (var_declaration)
  (const_declaration) (type_declaration) (import_declaration) (package_clause)
  (field_declaration) (method_elem)
] @statement

(comment) @attached
