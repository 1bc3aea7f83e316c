(command name: (command_name) @_command (#any-of? @_command "source" ".")) @import
