/** The Space's git repository over smart HTTP(S) with JGit: fetch, commit from generated files, checked push. */
package dev.spacegate.space.git;
