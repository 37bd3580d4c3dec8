package dev.tessera.suite.process;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Command lines for child JVMs, run by the same JDK as the launcher. */
public final class JavaCommand {

    private JavaCommand() {
    }

    /** The {@code java} executable of the running JVM. */
    public static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** {@code java <jvmOptions> <arguments>}. */
    public static List<String> of(List<String> jvmOptions, String... arguments) {
        List<String> command = new ArrayList<>();
        command.add(java());
        command.addAll(jvmOptions);
        command.addAll(Arrays.asList(arguments));
        return command;
    }

    /** Splits a space-separated option string such as {@code "-Xmx256m -XX:+UseSerialGC"}. */
    public static List<String> options(String text) {
        return text == null || text.isBlank() ? List.of() : List.of(text.trim().split("\\s+"));
    }
}
