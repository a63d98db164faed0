/** Spacegate space. */
package dev.spacegate.space;
