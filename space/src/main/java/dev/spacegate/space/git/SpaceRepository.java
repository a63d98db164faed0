package dev.spacegate.space.git;

import dev.spacegate.space.PublishException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.api.errors.TransportException;
import org.eclipse.jgit.lib.CommitBuilder;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.NullProgressMonitor;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.lib.TreeFormatter;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.transport.CredentialsProvider;
import org.eclipse.jgit.transport.PushResult;
import org.eclipse.jgit.transport.RemoteRefUpdate;
import org.eclipse.jgit.transport.Transport;
import org.eclipse.jgit.transport.URIish;
import org.eclipse.jgit.transport.UsernamePasswordCredentialsProvider;
import org.eclipse.jgit.treewalk.TreeWalk;

/**
 * The Space's git repository, driven with JGit over smart HTTP(S): a shallow fetch of {@code main}, a commit
 * built straight from the rendered files (no working tree), and a push whose every ref update is checked
 * (JGit reports rejections as statuses, not exceptions). Works in a private temporary bare repository.
 */
public final class SpaceRepository implements AutoCloseable {
    /** The Space's branch; Hugging Face builds from it. */
    public static final String BRANCH = "refs/heads/main";
    private static final String TRACKING = "refs/remotes/space/main";
    private static final int TIMEOUT_SECONDS = 60;

    /** A commit of the Space repo and the image its Dockerfile named (may be null). */
    public record Revision(ObjectId commit, String dockerfile) {
    }

    /** What a publish did: the new commit, or {@code pushed=false} when the Space already had this tree. */
    public record PushOutcome(boolean pushed, ObjectId commit) {
    }

    private final URIish url;
    private final CredentialsProvider credentials;
    private final Path dir;
    private final Repository repo;
    private ObjectId tip;

    /** Opens a scratch repository for the Space at {@code gitUrl}, authenticating as {@code user} / {@code token}. */
    public SpaceRepository(String gitUrl, String user, String token) {
        try {
            this.url = new URIish(gitUrl);
        } catch (URISyntaxException e) {
            throw new PublishException("bad_git_url", "git URL '" + gitUrl + "' is not a valid URL");
        }
        this.credentials = new UsernamePasswordCredentialsProvider(user, token);
        try {
            this.dir = Files.createTempDirectory("spacegate-space-repo");
            this.repo = Git.init().setBare(true).setInitialBranch("main").setDirectory(dir.toFile()).call().getRepository();
        } catch (IOException | GitAPIException e) {
            throw new PublishException("git_local", "cannot create a scratch git repository: " + e.getMessage());
        }
    }

    /**
     * Fetches the last {@code depth} commits of {@code main}. Returns false when the Space repo has no
     * {@code main} yet (a new, empty repository).
     */
    public boolean fetch(int depth) {
        try (Git git = Git.wrap(repo)) {
            Collection<Ref> heads = git.lsRemote().setRemote(url.toString()).setCredentialsProvider(credentials)
                    .setTimeout(TIMEOUT_SECONDS).setHeads(true).call();
            if (heads.stream().noneMatch(r -> r.getName().equals(BRANCH))) {
                tip = null;
                return false;
            }
            git.fetch().setRemote(url.toString()).setCredentialsProvider(credentials).setTimeout(TIMEOUT_SECONDS)
                    .setRefSpecs("+" + BRANCH + ":" + TRACKING).setDepth(depth).call();
            tip = repo.resolve(TRACKING);
            return tip != null;
        } catch (GitAPIException | IOException e) {
            throw gitError("fetch " + BRANCH + " from", e);
        }
    }

    /** The fetched tip of {@code main}, or null for an empty repository (call {@link #fetch} first). */
    public ObjectId tip() {
        return tip;
    }

    /** The text of {@code path} in the fetched tip, or null when absent. */
    public String fileAtTip(String path) {
        return tip == null ? null : fileAt(tip, path);
    }

    /** The fetched commits of {@code main}, newest first (first parent only), with their Dockerfiles. */
    public List<Revision> history() {
        List<Revision> out = new ArrayList<>();
        if (tip == null) {
            return out;
        }
        try (RevWalk walk = new RevWalk(repo)) {
            walk.setFirstParent(true);
            walk.markStart(walk.parseCommit(tip));
            for (RevCommit c : walk) {
                out.add(new Revision(c.copy(), fileAt(c, "Dockerfile")));
            }
        } catch (IOException e) {
            throw new PublishException("git_local", "cannot read the Space repo's history: " + e.getMessage());
        }
        return out;
    }

    /**
     * Makes {@code main} hold exactly {@code files} (top-level text files) with one commit on top of the fetched
     * tip, and pushes it. Pushes nothing when the tip already has this tree.
     */
    public PushOutcome publish(Map<String, String> files, String message, PersonIdent author) {
        try (ObjectInserter ins = repo.newObjectInserter()) {
            ObjectId tree = insertTree(ins, files);
            if (tip != null && tree.equals(treeOf(tip))) {
                return new PushOutcome(false, tip);
            }
            CommitBuilder cb = new CommitBuilder();
            cb.setTreeId(tree);
            if (tip != null) {
                cb.setParentId(tip);
            }
            cb.setAuthor(author);
            cb.setCommitter(author);
            cb.setMessage(message);
            ObjectId commit = ins.insert(cb);
            ins.flush();
            push(commit);
            tip = commit;
            return new PushOutcome(true, commit);
        } catch (IOException e) {
            throw new PublishException("git_local", "cannot build the Space commit: " + e.getMessage());
        }
    }

    private void push(ObjectId commit) throws IOException {
        // Expect the tip we built on: if someone pushed meanwhile, the update is rejected rather than lost.
        ObjectId expected = tip == null ? ObjectId.zeroId() : tip;
        RemoteRefUpdate update = new RemoteRefUpdate(repo, null, commit, BRANCH, false, null, expected);
        ByteArrayOutputStream serverOutput = new ByteArrayOutputStream();
        PushResult result;
        try (Transport transport = Transport.open(repo, url)) {
            transport.setCredentialsProvider(credentials);
            transport.setTimeout(TIMEOUT_SECONDS);
            result = transport.push(NullProgressMonitor.INSTANCE, List.of(update), serverOutput);
        } catch (org.eclipse.jgit.errors.TransportException e) {
            throw gitError("push " + BRANCH + " to", e);
        }
        for (RemoteRefUpdate u : result.getRemoteUpdates()) {
            if (u.getStatus() != RemoteRefUpdate.Status.OK && u.getStatus() != RemoteRefUpdate.Status.UP_TO_DATE) {
                // The server's "remote:" lines arrive in the result's messages (or only in the side-band output).
                String said = result.getMessages() == null || result.getMessages().isBlank()
                        ? serverOutput.toString(StandardCharsets.UTF_8).strip() : result.getMessages().strip();
                throw new PublishException("git_push_rejected", "the Space git server rejected the push of "
                        + u.getRemoteName() + " (" + u.getStatus() + (u.getMessage() == null ? "" : ": " + u.getMessage())
                        + ")" + (said.isEmpty() ? "" : "; it said: " + said.replaceAll("\\s*\\n\\s*", " | ")));
            }
        }
    }

    private ObjectId insertTree(ObjectInserter ins, Map<String, String> files) throws IOException {
        TreeFormatter tf = new TreeFormatter();
        // Git orders tree entries by name bytes; all entries here are files at the top level.
        Map<String, String> sorted = new TreeMap<>(Comparator.comparing((String s) -> s.getBytes(StandardCharsets.UTF_8),
                java.util.Arrays::compareUnsigned));
        sorted.putAll(files);
        for (Map.Entry<String, String> e : sorted.entrySet()) {
            if (e.getKey().contains("/") || e.getKey().isEmpty()) {
                throw new PublishException("bad_tree", "Space files must be top-level files, not '" + e.getKey() + "'");
            }
            ObjectId blob = ins.insert(Constants.OBJ_BLOB, e.getValue().getBytes(StandardCharsets.UTF_8));
            tf.append(e.getKey(), FileMode.REGULAR_FILE, blob);
        }
        return ins.insert(tf);
    }

    private ObjectId treeOf(ObjectId commit) throws IOException {
        try (RevWalk walk = new RevWalk(repo)) {
            return walk.parseCommit(commit).getTree().getId();
        }
    }

    private String fileAt(ObjectId commit, String path) {
        try (RevWalk walk = new RevWalk(repo)) {
            RevCommit c = walk.parseCommit(commit);
            try (TreeWalk tw = TreeWalk.forPath(repo, path, c.getTree())) {
                if (tw == null) {
                    return null;
                }
                return new String(repo.open(tw.getObjectId(0)).getBytes(), StandardCharsets.UTF_8);
            }
        } catch (IOException e) {
            throw new PublishException("git_local", "cannot read " + path + " from the Space repo: " + e.getMessage());
        }
    }

    /** Files of the fetched tip (top level), for display and comparison. */
    public Map<String, String> filesAtTip() {
        Map<String, String> out = new LinkedHashMap<>();
        if (tip == null) {
            return out;
        }
        try (RevWalk walk = new RevWalk(repo); TreeWalk tw = new TreeWalk(repo)) {
            tw.addTree(walk.parseCommit(tip).getTree());
            while (tw.next()) {
                out.put(tw.getPathString(), new String(repo.open(tw.getObjectId(0)).getBytes(), StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            throw new PublishException("git_local", "cannot read the Space repo: " + e.getMessage());
        }
        return out;
    }

    private PublishException gitError(String what, Exception e) {
        String msg = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        // Never echo credentials that might sit in a URL's user-info part.
        msg = msg.replaceAll("://[^/@\\s]+@", "://");
        String target = url.setUser(null).setPass(null).toString();
        boolean auth = msg.contains("not authorized") || msg.contains("Authentication is required")
                || msg.contains("401") || msg.contains("403");
        if (auth && (e instanceof TransportException || e instanceof org.eclipse.jgit.errors.TransportException)) {
            return new PublishException("git_auth", "the Space git server at " + target
                    + " refused the credentials: check that the Hugging Face token has write access to the Space");
        }
        return new PublishException("git_transport", "cannot " + what + " " + target + ": " + msg);
    }

    @Override
    public void close() {
        repo.close();
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException | UncheckedIOException e) {
            // A leftover scratch directory under the temp dir is harmless.
        }
    }
}
