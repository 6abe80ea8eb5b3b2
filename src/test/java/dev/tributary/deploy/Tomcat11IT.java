package dev.tributary.deploy;

/** Tomcat 11 (Jakarta EE 11): the same WAR, unchanged. */
class Tomcat11IT extends TomcatDeployment {
  Tomcat11IT() throws Exception {
    super("tomcat11.home", "tomcat-11");
  }
}
