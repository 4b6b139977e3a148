# Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
# -*- Python -*-
# Runs the GoogleTest unit tests as part of the lit suite.
import os
import lit.formats

config.name = "COMPRESS-Unit"
config.suffixes = []
config.test_source_root = os.path.join(config.compress_obj_root, "unittests")
config.test_exec_root = config.test_source_root
config.test_format = lit.formats.GoogleTest(".", "UnitTests")
