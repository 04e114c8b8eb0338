package dev.tenfold.io;

import dev.tenfold.tensor.Shape;

/**
 * The parsed header of a {@code .npy} file: what the array holds and where its data starts.
 *
 * @param descr        numpy dtype string as stored, e.g. {@code "<f4"}, {@code ">i8"}, {@code "|b1"}
 * @param itemSize     bytes per stored element
 * @param fortranOrder true when the data is stored column-major (first index fastest)
 * @param shape        the array's shape (rank 0 for a numpy scalar array)
 * @param version      format major version: 1, 2 or 3
 * @param dataOffset   bytes from the start of the file to the first data byte (magic, version,
 *                     length field and padded header included)
 */
public record NpyHeader(String descr, int itemSize, boolean fortranOrder, Shape shape, int version, long dataOffset) {

    /** Number of stored data bytes: {@code shape.size() * itemSize}. */
    public long dataBytes() {
        return shape.size() * itemSize;
    }
}
