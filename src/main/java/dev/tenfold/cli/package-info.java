/** The {@code tenfold} command line: {@code demo}, {@code info}, {@code bench}, and later commands. */
package dev.tenfold.cli;
