/** Which credentials serve which client-visible model names. */
package dev.spacegate.server.gateway.models;
