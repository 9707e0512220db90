package dev.ocs.session;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import dev.ocs.ExitCode;
import dev.ocs.OcsException;
import dev.ocs.api.Api;
import dev.ocs.http.ApiException;
import dev.ocs.http.Json;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.function.Consumer;

/** Reads what a report needs from the server, and turns "not found" into a sentence about the session. */
public final class Sessions {
    private final Api api;

    public Sessions(Api api) {
        this.api = api;
    }

    public SessionInfo info(String sid) {
        return SessionInfo.from(infoNode(sid));
    }

    /** The session's info object as the server sent it. */
    public JsonNode infoNode(String sid) {
        try {
            JsonNode n = api.session(sid);
            if (n == null || !n.isObject()) {
                throw new OcsException(ExitCode.SERVER_ERROR, "unexpected answer to GET /session/" + sid
                        + ": not an object");
            }
            return n;
        } catch (ApiException e) {
            throw notFound(sid, e);
        }
    }

    /** What each busy session's run in progress has spent so far: its steps since the newest prompt. */
    public java.util.Map<String, Budget.Spend> runSpend(List<String> sids, java.util.Map<String, Status> status) {
        java.util.Map<String, Budget.Spend> out = new java.util.HashMap<>();
        for (String sid : sids) {
            if (!status.get(sid).idle()) {
                Budget.Spend[] spent = {Budget.Spend.NONE};
                messages(sid, 0, ReadOptions.DEFAULT, m -> spent[0] = spent[0].after(m));
                out.put(sid, spent[0]);
            }
        }
        return out;
    }

    /**
     * The session's messages exactly as the server sends them, copied to {@code sink} as they arrive, while a
     * streaming parser checks they are one whole JSON list (a body cut short, or not JSON, is exit 6). Nothing is
     * kept but the parser's buffer.
     */
    public void copyMessages(String sid, OutputStream sink) {
        try {
            api.messages(sid, null, body -> {
                copyWhole(body, sink);
                return null;
            });
        } catch (ApiException e) {
            throw notFound(sid, e);
        }
    }

    /**
     * Copies the messages' bytes as they arrive while a streaming parser checks they are one whole JSON list (a
     * body cut short, or not JSON, is exit 6 and nothing is written). Nothing is kept but the parser's buffer.
     */
    private static void copyWhole(InputStream body, OutputStream sink) throws IOException {
        InputStream tee = new FilterInputStream(body) {
            @Override
            public int read() throws IOException {
                int c = super.read();
                if (c >= 0) {
                    sink.write(c);
                }
                return c;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                int n = super.read(b, off, len);
                if (n > 0) {
                    sink.write(b, off, n);
                }
                return n;
            }
        };
        try (JsonParser p = Json.FACTORY.createParser(tee)) {
            JsonToken first = p.nextToken();
            if (first != JsonToken.START_ARRAY) {
                throw new OcsException(ExitCode.SERVER_ERROR, "expected a list of messages, got "
                        + (first == null ? "nothing" : first.asString() == null ? first.name() : "'" + first.asString() + "'"));
            }
            p.skipChildren();
            if (p.nextToken() != null) {
                throw new OcsException(ExitCode.SERVER_ERROR, "the server sent more after its list of messages");
            }
        } catch (JsonProcessingException e) {
            throw new OcsException(ExitCode.SERVER_ERROR, "the server's messages are not whole JSON ("
                    + e.getOriginalMessage() + ")", e);
        }
    }


    /**
     * The info of each session (read four at a time), all of them or none: when any does not exist, exit 5 naming
     * every one missing, with {@code nothingDone} ("nothing deleted").
     */
    public java.util.Map<String, SessionInfo> infos(List<String> sids, String nothingDone) {
        List<SessionInfo> found = fourAtATime(sids, sid -> {
            try {
                return info(sid);
            } catch (OcsException e) {
                if (e.exitCode() != ExitCode.NOT_FOUND) {
                    throw e;
                }
                return null;
            }
        });
        java.util.Map<String, SessionInfo> out = new java.util.LinkedHashMap<>();
        List<String> missing = new ArrayList<>();
        for (int i = 0; i < sids.size(); i++) {
            if (found.get(i) == null) {
                missing.add(sids.get(i));
            } else {
                out.put(sids.get(i), found.get(i));
            }
        }
        if (!missing.isEmpty()) {
            throw new OcsException(ExitCode.NOT_FOUND, "no session " + String.join(", ", missing) + " on "
                    + api.connection().displayUrl() + "; " + nothingDone);
        }
        return out;
    }

    /** {@code each} of the sessions, four at a time (as {@code list} reads them), answers in their order. */
    public static <T> List<T> fourAtATime(List<String> sids, java.util.function.Function<String, T> each) {
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(
                Math.min(4, sids.size()), r -> {
                    Thread t = new Thread(r, "ocs-read");
                    t.setDaemon(true);
                    return t;
                });
        try {
            List<java.util.concurrent.CompletableFuture<T>> reads = new java.util.ArrayList<>();
            for (String sid : sids) {
                reads.add(java.util.concurrent.CompletableFuture.supplyAsync(() -> each.apply(sid), pool));
            }
            List<T> out = new java.util.ArrayList<>();
            for (java.util.concurrent.CompletableFuture<T> f : reads) {
                try {
                    out.add(f.join());
                } catch (java.util.concurrent.CompletionException e) {
                    throw e.getCause() instanceof RuntimeException r ? r : e;
                }
            }
            return out;
        } finally {
            pool.shutdownNow();
        }
    }

    /** Sets the session's title; answers its info. */
    public JsonNode rename(String sid, String title) {
        try {
            return api.renameSession(sid, title);
        } catch (ApiException e) {
            throw notFound(sid, e);
        }
    }

    /** The newest {@code last} messages, in a list: for small reads. */
    public List<Message> messages(String sid, int last, ReadOptions opt) {
        List<Message> messages = new ArrayList<>();
        messages(sid, last, opt, messages::add);
        return messages;
    }

    /**
     * Reads the session's messages one at a time, in order, handing each to {@code each}.
     *
     * @param last only the newest N messages (the server's limit parameter), or 0 for all
     */
    public void messages(String sid, int last, ReadOptions opt, Consumer<Message> each) {
        try {
            api.messages(sid, last > 0 ? last : null, body -> {
                MessageReader.read(body, opt, each);
                return null;
            });
        } catch (ApiException e) {
            throw notFound(sid, e);
        }
    }

    public Status status(String sid) {
        JsonNode all = api.sessionStatus();
        if (all != null) {
            return Status.of(all, sid);
        }
        // A server without /session/status (1.0.0, 1.0.185): busy while the newest message is an unfinished reply.
        List<Message> last = messages(sid, 1, ReadOptions.DEFAULT);
        return Status.fromNewest(last.isEmpty() ? null : last.get(last.size() - 1));
    }

    /** The status of each session: one read of the server's status list (or, without one, each newest message). */
    public java.util.Map<String, Status> statuses(java.util.Collection<String> sids) {
        java.util.Map<String, Status> out = new java.util.LinkedHashMap<>();
        JsonNode all = api.sessionStatus();
        for (String sid : sids) {
            out.put(sid, all != null ? Status.of(all, sid) : status(sid));
        }
        return out;
    }

    public List<Permission> permissions(String sid) {
        List<Permission> mine = pendingOrNull(sid);
        return mine == null ? List.of() : mine;
    }

    /** The pending permission requests (of {@code sid}, or all), or null where the server keeps no list (1.0). */
    public List<Permission> pendingOrNull(String sid) {
        JsonNode all = api.permissions();
        if (all == null) {
            return null;
        }
        List<Permission> mine = new ArrayList<>();
        for (Permission p : Permission.listFrom(all)) {
            if (sid == null || sid.equals(p.sessionID())) {
                mine.add(p);
            }
        }
        return mine;
    }

    /** The pending questions (of {@code sid}, or all); none on a server without the question routes. */
    public List<Question> questions(String sid) {
        List<Question> mine = questionsOrNull(sid);
        return mine == null ? List.of() : mine;
    }

    /** The pending questions (of {@code sid}, or all), or null where the server has no question routes. */
    public List<Question> questionsOrNull(String sid) {
        JsonNode all = api.questions();
        if (all == null) {
            return null;
        }
        List<Question> mine = new ArrayList<>();
        for (Question q : Question.listFrom(all)) {
            if (sid == null || sid.equals(q.sessionID())) {
                mine.add(q);
            }
        }
        return mine;
    }

    /** What {@code sid} (or, with null, any session) waits on a person for: two small reads at once. */
    public Waiting waiting(String sid) {
        CompletableFuture<List<Question>> questionsRead = CompletableFuture.supplyAsync(() -> questions(sid), READS);
        List<Permission> permissions = permissions(sid);
        return new Waiting(permissions, join(questionsRead));
    }

    public Report report(String sid, int last, ReadOptions opt, Diagnosis diagnosis, ReportView view) {
        return report(sid, last, null, opt, diagnosis, view);
    }

    /**
     * Reads a session and shows it through {@code view} as it is read: messages are diagnosed and shown one at a
     * time and then let go, so memory does not grow with the session.
     *
     * @param after when not null, only the messages newer than this id (opencode's ids sort by time): the
     *              report of one run in a longer session
     */
    public Report report(String sid, int last, String after, ReadOptions opt, Diagnosis diagnosis, ReportView view) {
        // Three small reads at once (a cold JVM spends tens of ms on each), then the messages.
        CompletableFuture<Status> statusRead = CompletableFuture.supplyAsync(() -> status(sid), READS);
        CompletableFuture<List<Permission>> permissionsRead = CompletableFuture.supplyAsync(() -> permissions(sid), READS);
        CompletableFuture<List<Question>> questionsRead = CompletableFuture.supplyAsync(() -> questions(sid), READS);
        SessionInfo info = info(sid);
        // Status before messages: when it says idle, the messages read next are final.
        Status status = join(statusRead);
        Waiting waiting = new Waiting(join(permissionsRead), join(questionsRead));
        Report.Builder report = new Report.Builder(api.connection().displayUrl(), info, status, waiting,
                diagnosis, view);
        boolean[] skipped = {false};
        messages(sid, last, opt, m -> {
            if (after != null && m.id != null && m.id.compareTo(after) <= 0) {
                skipped[0] = true;
            } else {
                report.message(m);
            }
        });
        return report.end(skipped[0] || last > 0 && report.count() >= last);
    }

    private static final Executor READS = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "ocs-read");
        t.setDaemon(true);
        return t;
    });

    private static <T> T join(CompletableFuture<T> f) {
        try {
            return f.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw e;
        }
    }

    private OcsException notFound(String sid, ApiException e) {
        if (e.exitCode() == ExitCode.NOT_FOUND) {
            return new OcsException(ExitCode.NOT_FOUND, "no session " + sid + " on " + api.connection().displayUrl());
        }
        return e;
    }
}
