package io.mlrollout.cli;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * An exclusive lock on a file, held by this process until closed. The operating system releases it when the process
 * ends however it ends, so a killed command never leaves a stale lock behind.
 */
final class HeldLock implements AutoCloseable {

    private final FileChannel channel;
    private final FileLock lock;

    private HeldLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /** The lock is held by another process (or, in tests, by another command in this one). */
    static final class Busy extends IOException {

        private static final long serialVersionUID = 1L;

        private final transient Path file;

        Busy(String message, Path file) {
            super(message + " (lock " + file + ")");
            this.file = file;
        }

        /** The lock file found held. */
        Path file() {
            return file;
        }
    }

    /**
     * Takes the lock on {@code file} (created if missing) or fails at once with {@code busy} when another process
     * holds it.
     *
     * @throws Busy when the lock is held
     */
    static HeldLock take(Path file, String busy) throws IOException {
        FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock held;
        try {
            held = channel.tryLock();
        } catch (OverlappingFileLockException inThisProcess) {
            channel.close();
            throw new Busy(busy, file);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
        if (held == null) {
            channel.close();
            throw new Busy(busy, file);
        }
        return new HeldLock(channel, held);
    }

    @Override
    public void close() throws IOException {
        try {
            lock.release();
        } finally {
            channel.close();
        }
    }
}
