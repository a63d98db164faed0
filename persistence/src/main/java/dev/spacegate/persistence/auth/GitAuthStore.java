package dev.spacegate.persistence.auth;

import dev.spacegate.persistence.PersistenceException;
import dev.spacegate.persistence.PersistenceException.Code;
import dev.spacegate.persistence.PersistenceSettings;
import dev.spacegate.persistence.seal.SecretBox;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.errors.NoRemoteRepositoryException;
import org.eclipse.jgit.errors.TransportException;
import org.eclipse.jgit.lib.CommitBuilder;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.NullProgressMonitor;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.RefUpdate;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.lib.TreeFormatter;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.transport.CredentialsProvider;
import org.eclipse.jgit.transport.FetchResult;
import org.eclipse.jgit.transport.RefSpec;
import org.eclipse.jgit.transport.RemoteRefUpdate;
import org.eclipse.jgit.transport.Transport;
import org.eclipse.jgit.transport.URIish;
import org.eclipse.jgit.transport.UsernamePasswordCredentialsProvider;
import org.eclipse.jgit.treewalk.TreeWalk;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;

/**
 * {@link AuthStore} in a private git repository over HTTPS (e.g. a private Hugging Face dataset), through JGit.
 * At start the repository is fetched into a local bare clone; every change builds a new tree from the freshest
 * remote state plus the change, commits it as a single parentless commit (history squashed, so old secrets do not
 * pile up in history) and pushes it with a lease on the commit it was built from. A push rejected because another
 * writer got there first fetches again and re-applies the change on top, so neither writer's files are lost.
 * Files are {@code <name>.sealed} at the repository root.
 */
public final class GitAuthStore implements AuthStore {
    private static final System.Logger LOG = System.getLogger(GitAuthStore.class.getName());
    private static final String SUFFIX = DirAuthStore.SUFFIX;
    private static final int MAX_ATTEMPTS = 12;
    private static final int GC_EVERY = 50;
    private static final Comparator<String> GIT_ORDER = (a, b) -> Arrays.compareUnsigned(
            a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));

    /** Where the repository is and how to log in; {@link #toString()} hides the token. */
    public record Remote(String url, String username, String token, Optional<String> branch) {
        /** From {@code GITSTORE_GIT_*} settings; user name defaults to {@code git} when only a token is given. */
        public static Remote from(PersistenceSettings s) {
            return new Remote(s.gitUrl().orElseThrow(), s.gitUsername().orElse("git"), s.gitToken().orElse(""),
                    s.gitBranch());
        }

        /** The URL without any user info, for messages. */
        public String safeUrl() {
            return url.replaceFirst("//[^/@]*@", "//");
        }

        @Override
        public String toString() {
            return "Remote[" + safeUrl() + ", user=" + username + ", branch=" + branch.orElse("(default)") + "]";
        }
    }

    private final Remote remote;
    private final Repository repo;
    private final CredentialsProvider credentials;
    private final SecretBox box;
    private final URIish uri;
    private String branch;
    private ObjectId remoteHead;
    private Map<String, ObjectId> files = Map.of();
    private Instant syncedAt = Instant.EPOCH;
    private int commits;

    private GitAuthStore(Remote remote, Repository repo, SecretBox box) {
        this.remote = remote;
        this.repo = repo;
        this.box = box;
        this.credentials = new UsernamePasswordCredentialsProvider(remote.username(), remote.token());
        try {
            this.uri = new URIish(remote.url());
        } catch (URISyntaxException e) {
            throw new PersistenceException(Code.INVALID_SETTINGS, "GITSTORE_GIT_URL is not a valid URL");
        }
        this.branch = remote.branch().orElse(null);
    }

    /** Makes a fresh local clone in {@code localDir} (anything there is replaced) and reads the remote state. */
    public static GitAuthStore open(Remote remote, Path localDir, SecretBox box) {
        Repository repo;
        if (!disposable(localDir)) {
            throw new PersistenceException(Code.INVALID_SETTINGS, "GITSTORE_LOCAL_PATH must be an empty directory or"
                    + " a clone this store made before (it is replaced on every start)");
        }
        try {
            deleteTree(localDir);
            Files.createDirectories(localDir);
            repo = Git.init().setBare(true).setDirectory(localDir.toFile()).call().getRepository();
        } catch (Exception e) {
            throw new PersistenceException(Code.STORAGE_FAILED, "could not create the local git store: "
                    + e.getClass().getSimpleName());
        }
        GitAuthStore store = new GitAuthStore(remote, repo, box);
        try {
            synchronized (store) {
                store.sync();
            }
        } catch (RuntimeException e) {
            repo.close();
            throw e;
        }
        LOG.log(System.Logger.Level.INFO, "Git auth store ready: " + store.files.size() + " auth files from "
                + remote.safeUrl() + " (branch " + store.branch + ")");
        return store;
    }

    @Override
    public String backend() {
        return "git";
    }

    @Override
    public synchronized void refresh() {
        sync();
    }

    @Override
    public synchronized List<AuthFileInfo> list() {
        List<AuthFileInfo> out = new ArrayList<>();
        for (Map.Entry<String, ObjectId> f : files.entrySet()) {
            long size;
            try {
                size = box.open(readBlob(f.getValue()), AuthContent.context(f.getKey())).length;
            } catch (PersistenceException e) {
                size = 0; // listed anyway; reading it reports why it cannot be opened
            }
            out.add(new AuthFileInfo(f.getKey(), size, syncedAt));
        }
        out.sort(Comparator.comparing(AuthFileInfo::name));
        return out;
    }

    @Override
    public synchronized Map<String, String> sealKeyIds() {
        Map<String, String> out = new TreeMap<>();
        files.forEach((name, id) -> out.put(name, SecretBox.keyIdOf(readBlob(id)).orElse(UNSEALED)));
        return out;
    }

    @Override
    public synchronized Optional<byte[]> get(String name) {
        AuthName.require(name);
        ObjectId id = files.get(name);
        if (id == null) {
            return Optional.empty();
        }
        String sealed = readBlob(id);
        byte[] plain = box.open(sealed, AuthContent.context(name));
        if (box.needsReseal(sealed)) {
            change(name, box.seal(plain, AuthContent.context(name)));
        }
        return Optional.of(plain);
    }

    @Override
    public synchronized void put(String name, byte[] json) {
        AuthName.require(name);
        AuthContent.check(name, json);
        change(name, box.seal(json, AuthContent.context(name)));
    }

    @Override
    public synchronized boolean delete(String name) {
        AuthName.require(name);
        if (!files.containsKey(name)) {
            sync(); // it may have been added by another writer since the last sync
            if (!files.containsKey(name)) {
                return false;
            }
        }
        return change(name, null);
    }

    /** Applies one change (sealed content, or null to delete) on top of the freshest remote state and pushes it. */
    private boolean change(String name, String sealedOrNull) {
        for (int attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
            TreeMap<String, ObjectId> next = new TreeMap<>(GIT_ORDER);
            next.putAll(files);
            try (ObjectInserter inserter = repo.newObjectInserter()) {
                if (sealedOrNull == null) {
                    if (next.remove(name) == null) {
                        return false; // another writer deleted it already
                    }
                } else {
                    next.put(name, inserter.insert(Constants.OBJ_BLOB, sealedOrNull.getBytes(StandardCharsets.UTF_8)));
                }
                ObjectId commit = commit(inserter, next);
                RemoteRefUpdate.Status status = push(commit);
                if (status == RemoteRefUpdate.Status.OK || status == RemoteRefUpdate.Status.UP_TO_DATE) {
                    remoteHead = commit;
                    files = Collections.unmodifiableSortedMap(next);
                    syncedAt = Instant.now();
                    maybeGc();
                    return true;
                }
                LOG.log(System.Logger.Level.DEBUG, "Git push rejected (" + status + "), attempt " + attempt
                        + "; fetching and re-applying");
            } catch (IOException e) {
                throw new PersistenceException(Code.STORAGE_FAILED, "could not write to the local git store: "
                        + e.getClass().getSimpleName());
            }
            backOff(attempt);
            sync();
        }
        throw new PersistenceException(Code.REMOTE_FAILED, "gave up writing auth file " + name + " to "
                + remote.safeUrl() + " after " + MAX_ATTEMPTS + " attempts (other writers keep changing it)");
    }

    /** Random, growing pause so two writers that keep colliding fall out of step. */
    private static void backOff(int attempt) {
        try {
            Thread.sleep(ThreadLocalRandom.current().nextLong(10, 50L << Math.min(attempt, 5)));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PersistenceException(Code.REMOTE_FAILED, "interrupted while retrying a git push");
        }
    }

    private ObjectId commit(ObjectInserter inserter, Map<String, ObjectId> tree) throws IOException {
        TreeFormatter formatter = new TreeFormatter();
        for (Map.Entry<String, ObjectId> f : tree.entrySet()) {
            formatter.append(f.getKey() + SUFFIX, FileMode.REGULAR_FILE, f.getValue());
        }
        ObjectId treeId = inserter.insert(formatter);
        PersonIdent who = new PersonIdent("Spacegate", "spacegate@localhost");
        CommitBuilder cb = new CommitBuilder();
        cb.setTreeId(treeId);
        cb.setAuthor(who);
        cb.setCommitter(who);
        cb.setMessage("Auth files (" + tree.size() + ")\n"); // no parents: history stays one commit long
        ObjectId commit = inserter.insert(cb);
        inserter.flush();
        RefUpdate ru = repo.updateRef(Constants.R_HEADS + branch);
        ru.setNewObjectId(commit);
        ru.setForceUpdate(true);
        RefUpdate.Result result = ru.update();
        if (result != RefUpdate.Result.NEW && result != RefUpdate.Result.FORCED
                && result != RefUpdate.Result.FAST_FORWARD && result != RefUpdate.Result.NO_CHANGE) {
            throw new IOException("local ref update " + result);
        }
        return commit;
    }

    private RemoteRefUpdate.Status push(ObjectId commit) {
        String ref = Constants.R_HEADS + branch;
        try (Transport t = Transport.open(repo, uri)) {
            t.setCredentialsProvider(credentials);
            // lease: the remote branch must still be what we built on (zero id = must not exist yet)
            RemoteRefUpdate update = new RemoteRefUpdate(repo, ref, commit, ref, true, null,
                    remoteHead == null ? ObjectId.zeroId() : remoteHead);
            t.push(NullProgressMonitor.INSTANCE, List.of(update));
            return update.getStatus();
        } catch (TransportException e) {
            throw remoteFailure(e);
        } catch (IOException e) {
            throw new PersistenceException(Code.REMOTE_FAILED, "pushing to " + remote.safeUrl() + " failed: "
                    + e.getClass().getSimpleName());
        }
    }

    /** Fetches the remote branch and reads its tree into {@link #files}. */
    private void sync() {
        FetchResult fetched;
        try (Transport t = Transport.open(repo, uri)) {
            t.setCredentialsProvider(credentials);
            fetched = t.fetch(NullProgressMonitor.INSTANCE,
                    List.of(new RefSpec("+refs/heads/*:refs/remotes/origin/*")));
        } catch (TransportException e) {
            throw remoteFailure(e);
        } catch (IOException e) {
            throw new PersistenceException(Code.REMOTE_FAILED, "fetching " + remote.safeUrl() + " failed: "
                    + e.getClass().getSimpleName());
        }
        if (branch == null) {
            branch = defaultBranch(fetched);
        }
        Ref advertised = fetched.getAdvertisedRef(Constants.R_HEADS + branch);
        remoteHead = advertised == null ? null : advertised.getObjectId();
        TreeMap<String, ObjectId> read = new TreeMap<>(GIT_ORDER);
        if (remoteHead != null) {
            try (RevWalk walk = new RevWalk(repo); TreeWalk tw = new TreeWalk(repo)) {
                RevCommit head = walk.parseCommit(remoteHead);
                tw.addTree(head.getTree());
                tw.setRecursive(false);
                while (tw.next()) {
                    String file = tw.getNameString();
                    if (!tw.isSubtree() && file.endsWith(SUFFIX)) {
                        String name = file.substring(0, file.length() - SUFFIX.length());
                        if (AuthName.problem(name).isEmpty()) {
                            read.put(name, tw.getObjectId(0));
                        }
                    }
                }
            } catch (IOException e) {
                throw new PersistenceException(Code.REMOTE_FAILED, "could not read the fetched auth files: "
                        + e.getClass().getSimpleName());
            }
        }
        files = Collections.unmodifiableSortedMap(read);
        syncedAt = Instant.now();
    }

    private static String defaultBranch(FetchResult fetched) {
        Ref head = fetched.getAdvertisedRef(Constants.HEAD);
        if (head != null && head.isSymbolic()) {
            return Repository.shortenRefName(head.getTarget().getName());
        }
        for (String candidate : List.of("main", "master")) {
            Ref r = fetched.getAdvertisedRef(Constants.R_HEADS + candidate);
            if (r != null && (head == null || r.getObjectId().equals(head.getObjectId()))) {
                return candidate;
            }
        }
        return "main"; // empty repository: start the conventional branch
    }

    private String readBlob(ObjectId id) {
        try {
            return new String(repo.open(id, Constants.OBJ_BLOB).getCachedBytes(AuthContent.MAX_BYTES * 2),
                    StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new PersistenceException(Code.STORAGE_FAILED, "could not read from the local git store: "
                    + e.getClass().getSimpleName());
        }
    }

    private void maybeGc() {
        if (++commits % GC_EVERY != 0) {
            return;
        }
        try (Git git = new Git(repo)) {
            git.gc().setExpire(Instant.now()).call(); // squashed history leaves old commits unreachable: drop them
        } catch (Exception e) {
            LOG.log(System.Logger.Level.DEBUG, "git gc skipped: " + e.getClass().getSimpleName());
        }
    }

    private PersistenceException remoteFailure(TransportException e) {
        String text = String.valueOf(e.getMessage()).toLowerCase(java.util.Locale.ROOT);
        if (text.contains("not authorized") || text.contains("authentication") || text.contains("401")
                || text.contains("403")) {
            return new PersistenceException(Code.REMOTE_FAILED, "the git server at " + remote.safeUrl()
                    + " rejected the credentials (check GITSTORE_GIT_USERNAME and GITSTORE_GIT_TOKEN)");
        }
        if (e instanceof NoRemoteRepositoryException || text.contains("not found")) {
            return new PersistenceException(Code.REMOTE_FAILED, "no git repository at " + remote.safeUrl()
                    + " (create it first, e.g. a private Hugging Face dataset)");
        }
        return new PersistenceException(Code.REMOTE_FAILED, "cannot reach the git server at " + remote.safeUrl()
                + " (network, firewall or outbound-port rules)");
    }

    /** Only an absent or empty directory, or a bare clone made by this store, may be wiped at start. */
    private static boolean disposable(Path dir) {
        if (!Files.exists(dir)) {
            return true;
        }
        if (!Files.isDirectory(dir)) {
            return false;
        }
        try (Stream<Path> entries = Files.list(dir)) {
            if (entries.findAny().isEmpty()) {
                return true;
            }
        } catch (IOException e) {
            return false;
        }
        return Files.isRegularFile(dir.resolve("HEAD")) && Files.isDirectory(dir.resolve("objects"))
                && Files.isDirectory(dir.resolve("refs"));
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    @Override
    public synchronized void close() {
        repo.close();
    }
}
