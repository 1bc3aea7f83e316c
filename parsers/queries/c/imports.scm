(preproc_include) @import
(preproc_ifdef (preproc_include) @import)
