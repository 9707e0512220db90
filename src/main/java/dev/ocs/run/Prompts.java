package dev.ocs.run;

import dev.ocs.api.Api;
import com.fasterxml.jackson.databind.JsonNode;
import dev.ocs.ExitCode;
import dev.ocs.OcsException;
import dev.ocs.http.Json;
import dev.ocs.session.Message;
import dev.ocs.session.ReadOptions;
import dev.ocs.session.Sessions;
import dev.ocs.session.Status;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Creating sessions and sending prompts, and making sure the server took them. */
public final class Prompts {
    private final Api client;
    private final Sessions sessions;

    public Prompts(Api client) {
        this.client = client;
        this.sessions = new Sessions(client);
    }

    public String create(String title) {
        Map<String, Object> body = new LinkedHashMap<>();
        if (title != null) {
            body.put("title", title);
        }
        JsonNode n = client.createSession(body);
        String id = Json.text(n, "id");
        if (id == null || !id.startsWith("ses_")) {
            throw new OcsException(ExitCode.SERVER_ERROR, "the server created a session but sent no id back");
        }
        return id;
    }

    /** The newest message's id, or null: what "a new message arrived" is measured against. */
    public String newestMessageId(String sid) {
        List<Message> last = sessions.messages(sid, 1, ReadOptions.DEFAULT);
        return last.isEmpty() ? null : last.get(last.size() - 1).id;
    }

    /**
     * The id of the message just before the newest user message (null when that is the first): messages after
     * it are the current turn, which a resumed run (an answered permission) adds to.
     */
    public String turnStart(String sid) {
        List<Message> recent = sessions.messages(sid, 200, ReadOptions.DEFAULT);
        for (int i = recent.size() - 1; i > 0; i--) {
            if ("user".equals(recent.get(i).role)) {
                return recent.get(i - 1).id;
            }
        }
        return null;
    }

    /**
     * Sends the prompt as one text part, exactly as given: Jackson writes the string, so quotes, backslashes,
     * newlines and any Unicode reach the server unchanged.
     */
    public void send(String sid, String text, String providerID, String modelID, String agent) {
        Map<String, Object> body = new LinkedHashMap<>();
        if (providerID != null) {
            body.put("model", Map.of("providerID", providerID, "modelID", modelID));
        }
        if (agent != null) {
            body.put("agent", agent);
        }
        body.put("parts", List.of(Map.of("type", "text", "text", text)));
        try {
            client.prompt(sid, body);
        } catch (OcsException e) {
            if (e.exitCode() == ExitCode.NOT_FOUND) {
                throw OcsException.notFound("no session " + sid + " on " + client.connection().displayUrl());
            }
            throw e;
        }
    }

    /** Waits briefly until the session is working or a new message exists; else the prompt was not taken. */
    public void confirm(String sid, String newestBefore) throws InterruptedException {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (true) {
            Status st = sessions.status(sid);
            if (!st.idle()) {
                return;
            }
            String newest = newestMessageId(sid);
            if (newest != null && !newest.equals(newestBefore)) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new OcsException(ExitCode.SERVER_ERROR, "the server accepted the prompt for " + sid
                        + " but shows no new message and no activity after 5 s; check the server log");
            }
            Thread.sleep(150);
        }
    }
}
