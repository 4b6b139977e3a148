// The committed reference in docs/generated/ must match the TableGen sources;
// run scripts/update-docs.sh after changing an op, attribute or pass.
// RUN: mlir-tblgen -gen-dialect-doc -dialect=compress %compress_src_root/include/compress/Dialect/Compress/IR/CompressOps.td -I %compress_src_root/include -I %mlir_include_dir | diff - %compress_src_root/docs/generated/CompressDialect.md
// RUN: mlir-tblgen -gen-pass-doc %compress_src_root/include/compress/Dialect/Compress/Transforms/Passes.td -I %compress_src_root/include -I %mlir_include_dir | diff - %compress_src_root/docs/generated/CompressPasses.md
// RUN: mlir-tblgen -gen-pass-doc %compress_src_root/include/compress/Conversion/Passes.td -I %compress_src_root/include -I %mlir_include_dir | diff - %compress_src_root/docs/generated/CompressConversionPasses.md
// RUN: mlir-tblgen -gen-pass-doc %compress_src_root/include/compress/Codegen/NVPTX/Passes.td -I %compress_src_root/include -I %mlir_include_dir | diff - %compress_src_root/docs/generated/CompressNVPTXCodegenPasses.md
// RUN: mlir-tblgen -gen-pass-doc %compress_src_root/include/compress/Codegen/CPU/Passes.td -I %compress_src_root/include -I %mlir_include_dir | diff - %compress_src_root/docs/generated/CompressCPUCodegenPasses.md
// RUN: mlir-tblgen -gen-pass-doc %compress_src_root/include/compress/Codegen/Common/Passes.td -I %compress_src_root/include -I %mlir_include_dir | diff - %compress_src_root/docs/generated/CompressCodegenCommonPasses.md
// RUN: mlir-tblgen -gen-pass-doc %compress_src_root/include/compress/Calibration/Passes.td -I %compress_src_root/include -I %mlir_include_dir | diff - %compress_src_root/docs/generated/CompressCalibrationPasses.md
