/**
 * Off-heap float32 tensors ({@link dev.tenfold.tensor.Tensor}) owned by a
 * {@link dev.tenfold.tensor.TensorScope}, with zero-copy views, broadcasting element-wise
 * operations, double-accumulating reductions and TensorLy-convention unfold/fold.
 */
package dev.tenfold.tensor;
