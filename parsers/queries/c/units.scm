; Editable units of C (C++ inherits them).

(function_definition
  declarator: (function_declarator declarator: (_) @name) body: (_) @body) @function
(function_definition
  declarator: (pointer_declarator declarator: (function_declarator declarator: (_) @name))
  body: (_) @body) @function
(function_definition body: (_) @body) @function

(struct_specifier name: (_) @name body: (field_declaration_list) @body) @definition
(union_specifier name: (_) @name body: (field_declaration_list) @body) @definition
(enum_specifier name: (_) @name body: (enumerator_list) @body) @definition

; Include guards and #if regions are transparent: what they hold is still top-level. No child
; patterns here: these nodes can hold a whole file, and matching into them would scan every
; child (the name comes from the node's `name` field).
(preproc_ifdef) @namespace
(preproc_if) @namespace

(compound_statement) @block

; Statements are listed by kind: a supertype pattern such as (statement) cannot match when
; the query runs rooted at the node itself (see ../README.md).
[
  (attributed_statement) (break_statement) (case_statement) (compound_statement)
  (continue_statement) (do_statement) (expression_statement) (for_statement)
  (goto_statement) (if_statement) (labeled_statement) (return_statement)
  (seh_leave_statement) (seh_try_statement) (switch_statement) (while_statement)
] @statement
(declaration) @statement
(type_definition) @statement
(field_declaration) @statement
(enumerator) @statement
(preproc_include) @statement
(preproc_def) @statement
(preproc_function_def) @statement
(preproc_call) @statement

(comment) @attached
