package dev.tenfold.cli;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.List;

/**
 * Entry point of the {@code tenfold} command line. Exit codes: 0 success, 1 failure (bad
 * input data, I/O), 2 command-line usage error.
 */
public final class Main {
    private static final List<Command> COMMANDS = List.of(
            new DemoCommand(), new InfoCommand(), new DecomposeCommand(), new CompressCommand(), new BenchCommand());

    private Main() { }

    /** Runs {@code tenfold ARGS...} and exits with its code. */
    public static void main(String[] args) {
        int code = run(args, System.out, System.err);
        System.out.flush();
        System.exit(code);
    }

    /** Runs a command without exiting the JVM (used by tests). */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length == 0 || args[0].equals("help") || args[0].equals("--help") || args[0].equals("-h")) {
            if (args.length > 1) {
                Command c = find(args[1]);
                if (c != null) {
                    out.println(c.usage());
                    return 0;
                }
            }
            out.println(usage());
            return args.length == 0 ? 2 : 0;
        }
        Command cmd = find(args[0]);
        if (cmd == null) {
            err.println("tenfold: unknown command '" + args[0] + "'\n");
            err.println(usage());
            return 2;
        }
        String[] rest = Arrays.copyOfRange(args, 1, args.length);
        if (Arrays.asList(rest).contains("--help")) {
            out.println(cmd.usage());
            return 0;
        }
        try {
            return cmd.run(rest, out);
        } catch (Args.UsageException e) {
            err.println("tenfold " + cmd.name() + ": " + e.getMessage() + "\n");
            err.println(cmd.usage());
            return 2;
        } catch (java.io.IOException e) {
            err.println("tenfold " + cmd.name() + ": " + describe(e));
            return 1;
        } catch (IllegalArgumentException | IllegalStateException e) {
            err.println("tenfold " + cmd.name() + ": " + e.getMessage());
            return 1;
        } catch (Exception e) {
            err.println("tenfold " + cmd.name() + ": unexpected error: " + e);
            e.printStackTrace(err);
            return 1;
        }
    }

    /**
     * A file error in words: the file-system exceptions' own messages are often just the path
     * ("/data/x.npy"), which reads like no error at all.
     */
    static String describe(java.io.IOException e) {
        if (e instanceof java.nio.file.NoSuchFileException f) return "no such file or directory: " + f.getFile();
        if (e instanceof java.nio.file.AccessDeniedException f) return "permission denied: " + f.getFile();
        if (e instanceof java.nio.file.FileAlreadyExistsException f) return "already exists (and is not a directory): " + f.getFile();
        if (e instanceof java.nio.file.NotDirectoryException f) return "not a directory: " + f.getFile();
        if (e instanceof java.nio.file.FileSystemException f && f.getReason() != null) return f.getFile() + ": " + f.getReason();
        return e.getMessage() != null ? e.getMessage() : e.toString();
    }

    private static Command find(String name) {
        for (Command c : COMMANDS) if (c.name().equals(name)) return c;
        return null;
    }

    static String usage() {
        StringBuilder sb = new StringBuilder("usage: tenfold COMMAND [OPTIONS]\n\ncommands:\n");
        for (Command c : COMMANDS) sb.append(String.format("  %-10s %s%n", c.name(), c.summary()));
        sb.append("\n'tenfold help COMMAND' or 'tenfold COMMAND --help' shows the options of one command.");
        return sb.toString();
    }
}
