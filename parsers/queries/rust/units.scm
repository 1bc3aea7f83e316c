; Editable units of Rust.

(function_item name: (identifier) @name body: (block) @body) @function
(closure_expression body: (_) @body) @closure

(struct_item name: (_) @name body: (_) @body) @definition
(struct_item name: (_) @name) @definition
(enum_item name: (_) @name body: (enum_variant_list) @body) @definition
(union_item name: (_) @name body: (_) @body) @definition
(trait_item name: (_) @name body: (declaration_list) @body) @definition
(impl_item type: (_) @name body: (declaration_list) @body) @definition
(mod_item name: (_) @name body: (declaration_list) @body) @definition
(macro_definition name: (_) @name) @definition
(foreign_mod_item body: (declaration_list) @body) @namespace

(block) @block

[
  (expression_statement) (let_declaration) (use_declaration) (extern_crate_declaration)
  (const_item) (static_item) (type_item) (mod_item) (empty_statement) (macro_invocation)
  (function_signature_item) (field_declaration) (enum_variant) (associated_type)
] @statement

; #[derive(...)], /// docs and // comments travel with the item after them.
(attribute_item) @attached
(line_comment) @attached
(block_comment) @attached
