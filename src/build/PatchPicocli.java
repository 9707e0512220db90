import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Build step (pom.xml, after picocli's source is unpacked): two changes to picocli's start-up work, each an exact
 * piece of its source replaced, so that a small call of ocs does not compile regular expressions it never uses
 * (-11 to -13 ms a call, paired, docs/PERFORMANCE.md), and the few spots javac's lint flags in that source (casts
 * it does not need, one raw return type), so the build has no warnings to show. Behaviour is unchanged:
 * <ul>
 *   <li>every command's model made its negatable-option transformer (four regular expressions) when it was
 *       created; it is now made when first asked for, which ocs's commands (no negatable options) never do;</li>
 *   <li>the converters' exclusion list ({@code picocli.converters.excludes}) was compiled again for each of the
 *       twenty converters it is checked against; it is now compiled once per value of the property.</li>
 * </ul>
 * A piece that is not found exactly once fails the build (a newer picocli: look at the change again); a file
 * already patched is left as it is. It prints nothing unless it fails. Run with
 * {@code java PatchPicocli.java CommandLine.java AutoComplete.java}.
 */
public class PatchPicocli {
    /** In the file named {@code file}, the piece {@code from} becomes {@code to}. */
    record Change(String file, String from, String to) {
        Change(String from, String to) {
            this("CommandLine.java", from, to);
        }
    }

    /** javac -Xlint's findings in picocli 4.7.7's source: the same code without them. */
    static final List<Change> LINT = List.of(
            new Change("if (((Object) parsed.getCommand()) instanceof IHelpCommandInitializable2) {",
                    "if (parsed.getCommand() instanceof IHelpCommandInitializable2) {"),
            new Change("} else if (((Object) parsed.getCommand()) instanceof IHelpCommandInitializable) {",
                    "} else if (parsed.getCommand() instanceof IHelpCommandInitializable) {"),
            new Change("public Builder mapFallbackValue(String fallbackValue) { this.mapFallbackValue = fallbackValue; return self(); }",
                    "public T mapFallbackValue(String fallbackValue) { this.mapFallbackValue = fallbackValue; return self(); }"),
            new Change("synopsis = concatPositionalText(prefix, synopsis, colorScheme, (PositionalParamSpec) positional);",
                    "synopsis = concatPositionalText(prefix, synopsis, colorScheme, positional);"),
            new Change("AutoComplete.java", "\"java -cp \\\"${CP}\\\" '\" + ((Object) commandLine.getCommand()).getClass().getName() + \"' $@\");",
                    "\"java -cp \\\"${CP}\\\" '\" + commandLine.getCommandSpec().userObject().getClass().getName() + \"' $@\");"),
            new Change("AutoComplete.java", "if (commandLine.getParent() != null && ((Object) commandLine.getCommand()) instanceof HelpCommand) {",
                    "if (commandLine.getParent() != null && commandLine.getCommandSpec().userObject() instanceof HelpCommand) {"));

    static final List<Change> CHANGES = List.of(
            new Change("private INegatableOptionTransformer negatableOptionTransformer = RegexTransformer.createDefault();",
                    "private INegatableOptionTransformer negatableOptionTransformer; // ocs: made when first asked for"),
            new Change("public INegatableOptionTransformer negatableOptionTransformer() { return negatableOptionTransformer; }",
                    "public INegatableOptionTransformer negatableOptionTransformer() {"
                            + " if (negatableOptionTransformer == null) { negatableOptionTransformer = RegexTransformer.createDefault(); }"
                            + " return negatableOptionTransformer; }"),
            new Change(lines(
                    "            String[] excludes = System.getProperty(\"picocli.converters.excludes\", \"\").split(\",\");",
                    "            for (String regex : excludes) {",
                    "                if (fqcn.matches(regex)) {"),
                    lines(
                    "            String excludes = System.getProperty(\"picocli.converters.excludes\", \"\");",
                    "            java.util.Map.Entry<String, java.util.regex.Pattern[]> compiled = excludesCompiled; // ocs: once per value",
                    "            if (compiled == null || !compiled.getKey().equals(excludes)) {",
                    "                String[] regexes = excludes.split(\",\");",
                    "                java.util.regex.Pattern[] patterns = new java.util.regex.Pattern[regexes.length];",
                    "                for (int i = 0; i < regexes.length; i++) { patterns[i] = java.util.regex.Pattern.compile(regexes[i]); }",
                    "                compiled = new java.util.AbstractMap.SimpleImmutableEntry<String, java.util.regex.Pattern[]>(excludes, patterns);",
                    "                excludesCompiled = compiled;",
                    "            }",
                    "            for (java.util.regex.Pattern regex : compiled.getValue()) {",
                    "                if (regex.matcher(fqcn).matches()) {")),
            new Change("        static boolean excluded(String fqcn) {",
                    "        private static volatile java.util.Map.Entry<String, java.util.regex.Pattern[]> excludesCompiled;\n"
                            + "        static boolean excluded(String fqcn) {"));

    static String lines(String... lines) {
        return String.join("\n", lines);
    }

    public static void main(String[] args) throws Exception {
        for (String a : args) {
            Path file = Path.of(a);
            String name = file.getFileName().toString();
            patch(file, java.util.stream.Stream.concat(CHANGES.stream(), LINT.stream())
                    .filter(c -> c.file().equals(name)).toList());
        }
    }

    static void patch(Path file, List<Change> changes) throws Exception {
        String source = Files.readString(file, StandardCharsets.UTF_8);
        String patched = source;
        for (Change c : changes) {
            if (patched.contains(c.to())) {
                continue;
            }
            int at = patched.indexOf(c.from());
            if (at < 0 || patched.indexOf(c.from(), at + 1) >= 0) {
                throw new IllegalStateException(file + ": expected exactly one of\n" + c.from()
                        + "\n(src/build/PatchPicocli.java: does it still apply to this picocli?)");
            }
            patched = patched.substring(0, at) + c.to() + patched.substring(at + c.from().length());
        }
        if (!patched.equals(source)) {
            Files.writeString(file, patched, StandardCharsets.UTF_8);
        }
    }
}
