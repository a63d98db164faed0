package dev.spacegate.server;

/** Starts Spacegate. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        System.out.println("spacegate");
    }
}
