package dev.ocs.session;

import java.util.List;

/**
 * What a session waits on a person for: pending permission requests and pending questions. A run stopped on
 * either goes on only once someone answers ({@code ocs approve}, {@code ocs answer}).
 */
public record Waiting(List<Permission> permissions, List<Question> questions) {
    public static final Waiting NONE = new Waiting(List.of(), List.of());

    public Waiting {
        permissions = List.copyOf(permissions);
        questions = List.copyOf(questions);
    }

    public boolean isEmpty() {
        return permissions.isEmpty() && questions.isEmpty();
    }
}
