package ar.loteria.testkit;

/** Reading a Prometheus text exposition in tests. */
public final class PrometheusText {

    private PrometheusText() {
    }

    /** The value of the unlabelled sample {@code name} in {@code text}; an AssertionError when there is none. */
    public static double sample(String text, String name) {
        return text.lines().filter(line -> line.startsWith(name + " ")).findFirst()
                .map(line -> Double.parseDouble(line.substring(name.length() + 1)))
                .orElseThrow(() -> new AssertionError("no " + name + " in\n" + text));
    }
}
