/** Reading and writing tensors as NumPy {@code .npy} files and {@code .npz} archives. */
package dev.tenfold.io;
