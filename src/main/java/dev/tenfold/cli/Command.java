package dev.tenfold.cli;

import java.io.PrintStream;

/** One {@code tenfold} sub-command. */
interface Command {
    /** The word typed after {@code tenfold}. */
    String name();

    /** One-line description for the usage text. */
    String summary();

    /** Usage text of this command (options and an example). */
    String usage();

    /** Runs the command; returns the process exit code. */
    int run(String[] args, PrintStream out) throws Exception;
}
