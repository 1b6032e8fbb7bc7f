package dev.levee.app;

public final class LeveeCli {
    public static void main(String[] args) {
        System.out.println("levee");
    }
}
