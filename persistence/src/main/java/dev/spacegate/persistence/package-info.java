/** Spacegate persistence. */
package dev.spacegate.persistence;
