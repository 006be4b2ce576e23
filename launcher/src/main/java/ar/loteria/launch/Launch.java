package ar.loteria.launch;

import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The command line of a Java program: which {@code java}, its JVM options, then either {@code -jar JAR} or
 * {@code -cp CLASSPATH MAIN}, then the program's arguments. Immutable.
 *
 * @param java the {@code java} binary; null for the one running this JVM
 */
public record Launch(Path java, List<String> jvmOptions, List<String> program) {

    public Launch {
        jvmOptions = List.copyOf(jvmOptions);
        program = List.copyOf(program);
    }

    /** {@code java -jar jar args...}. */
    public static Launch jar(Path jar, String... args) {
        List<String> program = new ArrayList<>(List.of("-jar", jar.toAbsolutePath().toString()));
        program.addAll(List.of(args));
        return new Launch(null, List.of(), program);
    }

    /** {@code java -cp classpath mainClass args...}. */
    public static Launch mainClass(List<Path> classpath, String mainClass, String... args) {
        String joined = classpath.stream().map(path -> path.toAbsolutePath().toString())
                .collect(Collectors.joining(File.pathSeparator));
        List<String> program = new ArrayList<>(List.of("-cp", joined, mainClass));
        program.addAll(List.of(args));
        return new Launch(null, List.of(), program);
    }

    /** The same program run by another {@code java} binary (null: this JVM's). */
    public Launch withJava(Path binary) {
        return new Launch(binary, jvmOptions, program);
    }

    /** The same program with these JVM options. */
    public Launch withJvmOptions(List<String> options) {
        return new Launch(java, options, program);
    }

    /** The whole command, binary first. */
    public List<String> command() {
        List<String> command = new ArrayList<>();
        Path binary = java != null ? java : Path.of(System.getProperty("java.home"), "bin", "java");
        command.add(binary.toString());
        command.addAll(jvmOptions);
        command.addAll(program);
        return command;
    }
}
