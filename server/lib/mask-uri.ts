/** A MongoDB connection string with its password replaced by ****, for logs and error messages. */
export function maskUri(uri: string): string {
  return uri.replace(/^(mongodb(?:\+srv)?:\/\/[^:/@]+):[^@]*@/, '$1:****@');
}

/** The host list of a MongoDB connection string ("db1:27017,db2:27017"), without credentials. */
export function uriHosts(uri: string): string {
  const withoutScheme = uri.replace(/^mongodb(\+srv)?:\/\//, '');
  const afterCredentials = withoutScheme.includes('@')
    ? withoutScheme.slice(withoutScheme.lastIndexOf('@') + 1)
    : withoutScheme;
  return afterCredentials.split(/[/?]/)[0] ?? '';
}
