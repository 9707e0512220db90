package dev.ocs;

import java.io.Console;
import java.lang.reflect.Method;

/** Whether the process talks to a terminal, the same way on JDK 17 and on JDK 22+. */
final class Terminal {
    private Terminal() {}

    static boolean isTerminal() {
        Console c = System.console();
        if (c == null) {
            return false;
        }
        try {
            // JDK 22+ returns a Console even when redirected; isTerminal() tells the truth there.
            Method m = Console.class.getMethod("isTerminal");
            return (Boolean) m.invoke(c);
        } catch (ReflectiveOperationException e) {
            return true;
        }
    }
}
